"""Batch: one video per row of a spreadsheet — check every row, preview, start, follow,
download the finished videos as a ZIP with a results CSV."""

from __future__ import annotations

import streamlit as st

from core.errors import AppError
from core.usecases import ENGINE_IDS, BatchStatus
from ui import state
from ui.common import engine_label, error_text, seconds
from ui.streaming import escape_markdown

rt = state.runtime()
app, user = rt.app, state.user()
ss = st.session_state
ZIPS = "batch_zips"  # batch id → ZIP bytes prepared on request

st.title(state.t("batch.title"))
st.caption(state.t("batch.intro"))
state.show_flash()

upload = st.file_uploader(state.t("batch.file"), type=["csv", "xlsx"], key="batch_file")
template = st.text_area(state.t("batch.template"), key="batch_template", height=90)
left, right = st.columns(2)
engine = left.selectbox(state.t("batch.engine"), ENGINE_IDS, format_func=engine_label,
                        key=f"batch_engine_{state.lang()}")  # fmt: skip
language = right.text_input(state.t("batch.language"), value="es", key="batch_language")

plan = None
if upload is not None:
    try:
        plan = app.batches.plan(user, upload.name, upload.getvalue(), engine, template,
                                language.strip() or "es")  # fmt: skip
    except AppError as err:
        st.error(error_text(rt, err))

if plan is not None:
    a, b, c = st.columns(3)
    a.metric(state.t("batch.rows"), len(plan.rows) + len({p.row for p in plan.problems}))
    b.metric(state.t("batch.duration"), seconds(plan.total_seconds))
    if plan.total_credits is not None:
        c.metric(state.t("batch.credits"), plan.total_credits)
    if plan.problems:
        st.error(state.t("batch.problems", count=len({p.row for p in plan.problems})))
        st.dataframe(
            [{state.t("batch.col_row"): p.row, state.t("batch.col_column"): p.column,
              state.t("batch.col_problem"): p.text(state.lang())} for p in plan.problems],
            hide_index=True,
        )  # fmt: skip
    over_cap = None
    if plan.ok:
        try:
            app.batches.check_cap(user, plan)  # more D-ID videos than today's cap leaves
        except AppError as err:
            over_cap = err
            st.error(error_text(rt, err))
    st.subheader(state.t("batch.preview"))
    st.dataframe(
        [{state.t("batch.col_row"): r.row, state.t("batch.col_title"): r.title,
          state.t("batch.col_script"): (r.to_json()["text"] or r.to_json()["topic"] or "")[:80],
          state.t("batch.col_language"): r.to_json()["language"],
          state.t("batch.col_seconds"): r.seconds} for r in plan.preview()],
        hide_index=True,
    )  # fmt: skip
    blocked = not plan.ok or over_cap is not None
    if st.button(state.t("batch.start"), type="primary", disabled=blocked, key="batch_go"):
        try:
            started = app.batches.start(user, plan)
            done = started.count("done")
            state.flash("success", state.t("batch.started", queued=len(started.rows) - done,
                                           skipped=done))  # fmt: skip
            st.rerun()
        except AppError as err:
            st.error(error_text(rt, err))


def _batch(status: BatchStatus) -> None:
    failed = status.count("failed", "cancelled")
    st.markdown(f"**{escape_markdown(status.name)}**")
    st.progress(status.fraction, text=state.t("batch.progress", done=status.count("done"),
                                              total=len(status.rows), failed=failed))  # fmt: skip
    cols = st.columns(3)
    cols[0].download_button(
        state.t("batch.results"), app.batches.results_csv(user, status.id),
        file_name=f"{status.id}-results.csv", mime="text/csv", key=f"batch_csv_{status.id}",
    )  # fmt: skip
    if status.count("done"):
        prepared = ss.setdefault(ZIPS, {}).get(status.id)
        if prepared is None:
            if cols[1].button(state.t("batch.prepare_zip"), key=f"batch_prep_{status.id}"):
                ss[ZIPS][status.id] = app.batches.zip_bytes(user, status.id)
                st.rerun()
        else:
            cols[1].download_button(
                state.t("batch.zip"), prepared, file_name=f"{status.id}.zip",
                mime="application/zip", key=f"batch_zip_{status.id}",
            )  # fmt: skip


@st.fragment(run_every=2.0)
def batches() -> None:
    st.subheader(state.t("batch.yours"))
    found = app.batches.list(user)
    if not found:
        st.caption(state.t("batch.none"))
    for status in found:
        _batch(status)


batches()
