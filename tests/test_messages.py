"""Every error speaks both languages: the catalogue is complete, and code raises ids only.

These tests read the source (AST) so that a new ``raise InputError("Some sentence")`` or a
message id without its Spanish text fails here, before it can reach a Spanish page.
"""

from __future__ import annotations

import ast
import importlib
import pickle
import pkgutil
import re
from pathlib import Path

import pytest

import core
from core import errors
from core.errors import AppError, ConfigError, InputError, LimitReached, ProviderError
from core.messages import LANGS, MESSAGES, Msg, msg, placeholders, render

ROOT = Path(__file__).resolve().parent.parent
PAGE_CODE = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]

# Parameters an error class fills in itself (ConfigError's variable, ProviderError's status…)
IMPLICIT = {"variable", "provider", "status", "request_id", "limit", "used"}


def _error_classes() -> set[str]:
    for info in pkgutil.walk_packages(core.__path__, "core."):
        if info.name != "core.__main__":  # runs the CLI
            importlib.import_module(info.name)
    names, todo = set(), [AppError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo += cls.__subclasses__()
    return names


ERROR_CLASSES = _error_classes()


def _calls(paths, names):
    for path in paths:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in names:
                yield path.relative_to(ROOT), node


def _ids_in(expr: ast.expr) -> tuple[list[str], list[str]]:
    """(constant ids, f-string prefixes) a message-id expression can take: a literal, an
    f-string, either branch of ``a if c else b``, or the literal arguments of a helper call
    such as ``server.variant("openai.timeout")``."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value], []
    if isinstance(expr, ast.JoinedStr):
        head = expr.values[0] if expr.values else None
        return [], [str(head.value)] if isinstance(head, ast.Constant) else []
    parts: list[ast.expr] = []
    if isinstance(expr, ast.IfExp):
        parts = [expr.body, expr.orelse]
    elif isinstance(expr, ast.BoolOp):
        parts = list(expr.values)
    elif isinstance(expr, ast.Call):
        parts = [a for a in expr.args if isinstance(a, ast.Constant | ast.JoinedStr)]
    constants: list[str] = []
    prefixes: list[str] = []
    for part in parts:
        c, p = _ids_in(part)
        constants += c
        prefixes += p
    return constants, prefixes


def test_every_message_has_english_and_spanish_with_matching_placeholders():
    assert len(MESSAGES) > 100
    for key, entry in MESSAGES.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+", key), key
        assert set(entry) == set(LANGS), f"{key}: languages {sorted(entry)}"
        for lang in LANGS:
            assert entry[lang].strip(), f"{key} has an empty {lang} text"
        # Spanish may leave out a command-line hint, never use a value English lacks
        assert placeholders(entry["es"]) <= placeholders(entry["en"]), key


def test_every_error_raised_in_core_uses_a_known_message_id_with_its_parameters():
    problems = []
    for path, call in _calls(sorted((ROOT / "core").rglob("*.py")), ERROR_CLASSES):
        if path.as_posix() == "core/errors.py":
            continue
        where = f"{path}:{call.lineno}"
        if not call.args:
            problems.append(f"{where}: no message id")
            continue
        constants, prefixes = _ids_in(call.args[0])
        if not constants and not prefixes:
            problems.append(f"{where}: the message id is not written in the call")
        for const in constants:
            if const not in MESSAGES:
                problems.append(f"{where}: {const!r} is not a message id in core/messages")
                continue
            given = {k.arg for k in call.keywords}
            if None in given:  # **params: checked when the error is built
                continue
            missing = placeholders(MESSAGES[const]["en"]) - given - IMPLICIT
            if missing:
                problems.append(f"{where}: {const!r} needs {sorted(missing)}")
        for prefix in prefixes:
            if not any(key.startswith(prefix) for key in MESSAGES):
                problems.append(f"{where}: no message id starts with {prefix!r}")
    assert not problems, "\n".join(problems)


def test_every_msg_built_in_core_is_in_the_catalogue():
    problems = []
    for path, call in _calls(sorted((ROOT / "core").rglob("*.py")), {"msg", "Msg"}):
        if path.parts[:2] == ("core", "messages") or path.as_posix() == "core/errors.py":
            continue
        constants, prefixes = _ids_in(call.args[0]) if call.args else ([], [])
        problems += [f"{path}:{call.lineno}: {c!r}" for c in constants if c not in MESSAGES]
        problems += [
            f"{path}:{call.lineno}: {p!r}…"
            for p in prefixes
            if not any(k.startswith(p) for k in MESSAGES)
        ]
        if not constants and not prefixes:
            problems.append(f"{path}:{call.lineno}: the message id is not written in the call")
    assert not problems, "\n".join(problems)


def test_no_code_replaces_an_error_message_with_a_sentence():
    """``err.message = …`` drops the id (the page would show English): use append/map_text."""
    offenders = []
    for path in [*sorted((ROOT / "core").rglob("*.py")), *PAGE_CODE]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Attribute) and target.attr == "message":
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


def test_pages_show_errors_through_the_interface_language():
    """Pages never show ``err.message``/``job.error`` (English); ui.common renders them."""
    offenders = []
    for path in PAGE_CODE:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "message":
                base = node.value
                if isinstance(base, ast.Name) and base.id in {"err", "error", "exc", "e"}:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


def test_an_error_renders_in_each_language_and_keeps_english_as_its_message():
    err = InputError("script.too_long", chars=6120, limit=5000, over=1120)
    assert err.message_id == "script.too_long" and err.params["chars"] == 6120
    assert err.message == str(err) == err.text("en")
    assert "6120" in err.message and "limit is 5000" in err.message
    assert err.text("es").startswith("El guion tiene 6120 caracteres; el límite es 5000")
    assert err.exit_code == 2


def test_a_message_can_be_built_from_pieces_in_the_same_language():
    err = ProviderError("did.rejected", talk="tlk_1", status="rejected", said=msg("did.no_reason"))
    assert "(no reason)" in err.text("en") and "(sin motivo)" in err.text("es")
    err.append("retry.gave_up", attempts=3)
    assert err.text("en").endswith("(gave up after 3 attempts)")
    assert err.text("es").endswith("(se abandonó tras 3 intentos)")


def test_spanish_writes_decimals_with_a_comma():
    assert "2.5 MB" in render("photo.too_big", "en", name="a.jpg", mb=2.5, limit_mb=15)
    assert "2,5 MB" in render("photo.too_big", "es", name="a.jpg", mb=2.5, limit_mb=15)


def test_the_implicit_parameters_of_config_and_provider_errors():
    assert "OPENAI_TIMEOUT_S" in ConfigError("config.not_a_number", variable="OPENAI_TIMEOUT_S",
                                             raw="x").text("es")  # fmt: skip
    err = LimitReached(
        "limit.did_videos", kind="did_videos", limit=3, used=3, retry_after=60.0, wait="1 min"
    )
    assert "límite diario de 3 vídeos" in err.text("es") and err.exit_code == 3


def test_an_error_survives_pickling_and_redaction_of_its_parameters():
    err = ProviderError("did.unreachable", url="https://k3y@example", where="GET /x",
                        provider="D-ID", status=None)  # fmt: skip
    err.map_text(lambda t: t.replace("k3y", "***"))
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is ProviderError and copy.provider == "D-ID"
    assert copy.message_id == "did.unreachable" and "k3y" not in copy.text("es")
    assert copy.text("es") == err.text("es") and str(copy) == err.message


def test_stored_error_data_renders_later_in_any_language():
    err = InputError("photo.no_face", name="café.jpg")
    err.append("retry.gave_up", attempts=2)
    data = err.to_data()
    assert errors.message_text(data, "es").startswith("No se encontró ninguna cara en café.jpg")
    assert errors.message_text(data, "en") == err.message
    assert errors.message_text(None, "es", "old English reason") == "old English reason"
    stale = {"id": {"id": "gone.away", "params": {}}, "text": "kept", "suffixes": []}
    assert errors.message_text(stale, "es") == "kept"
    assert Msg.from_data(Msg("x.y", {"p": msg("did.no_reason")}).to_data()).params["p"].id == (
        "did.no_reason"
    )


def test_a_sentence_without_an_id_is_kept_but_marked_as_untranslated():
    err = InputError("A sentence nobody translated.")
    assert err.message_id is None and err.text("es") == "A sentence nobody translated."


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_renders_with_sample_values(lang):
    for key, entry in MESSAGES.items():
        values = {name: 1.5 for name in placeholders(entry["en"])}
        assert render(key, lang, **values), key
