"""``looks``: the formats, layouts, background themes and caption styles a video can have."""

from __future__ import annotations

import argparse

from core.commands.common import emit_json
from core.compose.catalogue import looks
from core.usecases import Parlante


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("looks", help="list formats, layouts, background themes, caption styles")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, app: Parlante) -> int:
    data = looks()
    if args.json:
        emit_json(data)
        return 0
    for f in data["formats"]:
        sizes = ", ".join(f"{w}×{h}" for w, h in f["sizes"].values())
        print(f"format      {f['id']:<8} {sizes}")
    for layout in data["layouts"]:
        print(f"layout      {layout['id']:<8} {layout['description']}")
    for theme in data["backgrounds"]["themes"]:
        print(f"background  {theme['id']:<8} {theme['name']} ({' → '.join(theme['colours'])})")
    print("background  blur     the photo presenter's own picture, blurred")
    print("background  PATH     a JPEG or PNG image")
    print(f"captions    {' | '.join(data['captions'])}   (--caption-style "
          f"{' | '.join(data['caption_styles'])})")  # fmt: skip
    return 0
