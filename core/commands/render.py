"""``render``: a script to a video, through the same pipeline as the app."""

from __future__ import annotations

import argparse
from pathlib import Path

from core.commands.catalogue import ENGINE_CHOICES
from core.commands.common import StderrProgress, emit_json, read_text_arg
from core.errors import AppError, InputError, JobFailed
from core.files import check_writable, copy
from core.models import Look, RenderRequest, Video
from core.usecases import CANCELLED, DONE, SHARED_USER, Parlante


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("render", help="render a video of a presenter speaking a script")
    p.add_argument("--engine", choices=ENGINE_CHOICES, default="local")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--text", help="the script")
    src.add_argument("--text-file", help="a UTF-8 file with the script ('-' for stdin)")
    p.add_argument(
        "--audio",
        help="your own narration (WAV, MP3, M4A, OGG, WEBM) spoken instead of a voice; with a "
        "script the subtitles are the script timed to it, without one there are none",
    )
    p.add_argument(
        "--keep-unaligned",
        action="store_true",
        help="with --audio: if the script does not match the recording, make the video "
        "anyway, without subtitles (default: refuse)",
    )
    p.add_argument("--language", default="es", help="language code (default es)")
    p.add_argument("--voice", help="voice id (default: the language's default voice)")
    p.add_argument("--avatar", help="built-in avatar id, stored photo id, or a photo path")
    p.add_argument("--size", type=int, help="old style: a square video of this many px, 256–1080")
    look = p.add_argument_group("look (python -m core looks lists the choices)")
    look.add_argument("--format", default="16:9", help="16:9 (default), 9:16 or 1:1")
    look.add_argument(
        "--resolution", type=int, default=720, help="short side in px: 720 (default) or 1080"
    )
    look.add_argument(
        "--layout", default="", help="full, side, corner or voice (default: corner with slides)"
    )
    look.add_argument("--background", default="", help="a theme id, blur, or an image path")
    look.add_argument(
        "--slides", nargs="+", default=[], help="a PDF, or images: one slide per --- scene"
    )
    look.add_argument("--captions", default="none", help="burn (captions in the picture) or none")
    look.add_argument("--caption-style", default="box", help="box (default) or outline")
    look.add_argument("--music", default="", help="MP3/WAV/M4A/OGG, ducked under the voice")
    p.add_argument("--rate", type=float, default=1.0, help="speaking rate, 0.5–2.0")
    p.add_argument("--pitch", type=float, default=1.0, help="voice pitch, 0.5–2.0 (offline)")
    p.add_argument("--title", default="", help="title card for the first 2 s, and in the history")
    p.add_argument("--out", help="where to copy the MP4")
    p.add_argument("--subtitles", help="where to copy the subtitles (.srt, or .vtt)")
    p.add_argument("--no-cache", action="store_true", help="render anew even if cached")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    queue = p.add_argument_group("queue (a worker or the app renders it)")
    queue.add_argument(
        "--submit", action="store_true",
        help="record and queue the job, print its id ({\"job\": ID} with --json) and return",
    )  # fmt: skip
    queue.add_argument(
        "--wait", action="store_true",
        help="with --submit: wait for the job, then print the usual result",
    )  # fmt: skip
    queue.add_argument(
        "--timeout", type=float, default=None,
        help="with --wait: stop waiting after this many seconds (default 3600)",
    )  # fmt: skip
    p.set_defaults(func=run)


def run(args: argparse.Namespace, app: Parlante) -> int:
    if args.text is None and args.text_file is None and not args.audio:
        raise InputError("render.no_input")
    if not args.submit and (args.wait or args.timeout is not None):
        raise InputError("jobs.wait_needs_submit")
    if args.submit and not args.wait and (args.out or args.subtitles):
        raise InputError("jobs.copy_needs_wait")
    text = read_text_arg(args.text, args.text_file)
    out = check_writable(Path(args.out), "--out") if args.out else None
    subs = check_writable(Path(args.subtitles), "--subtitles") if args.subtitles else None
    request = RenderRequest(
        text=text,
        language=args.language,
        voice_id=args.voice,
        avatar=args.avatar,
        size=args.size,
        rate=args.rate,
        pitch=args.pitch,
        title=args.title,
        use_cache=not args.no_cache,
        audio=str(Path(args.audio).expanduser()) if args.audio else None,
        keep_unaligned=args.keep_unaligned,
        look=Look(
            format=args.format,
            resolution=args.resolution,
            layout=args.layout,
            background=args.background,
            slides=tuple(args.slides),
            captions=args.captions,
            caption_style=args.caption_style,
            music=args.music,
            title=args.title,
        ),
    )
    if args.submit:
        job = app.renders.submit(SHARED_USER, request, args.engine, args.title)
        if not args.wait:
            if args.json:
                emit_json({"job": job.id})
            else:
                print(job.id)
            return 0
        video = wait_for_video(app, job.id, 3600.0 if args.timeout is None else args.timeout)
    else:
        video = app.renders.render_now(
            SHARED_USER, request, args.engine, on_progress=StderrProgress(not args.json)
        )
    result = video.to_json()
    if out is not None:
        copy(video.video, out)
        result["video"] = str(out)
    if subs is not None and video.has_subtitles:  # else none to copy
        copy(video.vtt if subs.suffix.lower() == ".vtt" else video.subtitles, subs)
        result["subtitles"] = str(subs)
    if args.json:
        emit_json(result)
    else:
        state = "from the library" if video.cached else f"in {video.render_s:.1f} s"
        print(f"{result['video']}  ({video.duration_s:.1f} s of video, {state})")
        if result.get("note"):
            print(result["note"])
    return 0


def wait_for_video(app: Parlante, job_id: str, timeout_s: float) -> Video:
    """The video of a submitted job once a runner or worker has made it."""
    job = app.renders.wait(SHARED_USER, job_id, timeout_s)
    if not job.finished:
        raise AppError("jobs.wait_timeout", job=job.id, status=job.status, seconds=timeout_s)
    video = app.renders.video(SHARED_USER, job) if job.status == DONE else None
    if video is None:
        if job.status == CANCELLED:
            raise AppError("job.cancelled")
        raise JobFailed("jobs.failed", job=job.id, reason=job.error_text("en") or job.status)
    return app.renders.files_here(SHARED_USER, video).to_video()  # rendered on another machine
