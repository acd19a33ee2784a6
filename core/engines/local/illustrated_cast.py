"""The built-in illustrated presenters: who they are and what they look like.

Ids are stable (stored in presets and history); ``role`` is a key the interface
translates, never an English sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.engines.local.illustrated_look import Look
from core.models import Avatar


@dataclass(frozen=True)
class _Builtin:
    avatar: Avatar
    look: Look
    description: str


_BUILTINS: tuple[_Builtin, ...] = (
    _Builtin(
        Avatar("ana", "Ana — teacher", "illustrated", role="teacher"),
        Look(
            skin=(236, 188, 152),
            hair=(78, 48, 36),
            iris=(92, 60, 40),
            hair_style="bun",
            outfit="cardigan",
            clothes=(222, 168, 62),
            inner=(250, 246, 236),
            background=((252, 232, 212), (243, 205, 182)),
            lashes=True,
            lips=(196, 104, 100),
        ),
        "a teacher with a dark-brown bun, mustard cardigan and pendant, on peach",
    ),
    _Builtin(
        Avatar("leo", "Leo — presenter", "illustrated", role="presenter"),
        Look(
            skin=(246, 210, 186),
            hair=(150, 82, 46),
            iris=(70, 110, 140),
            hair_style="short",
            outfit="blazer",
            clothes=(44, 62, 104),
            inner=(206, 226, 244),
            beard=True,
            background=((218, 234, 247), (184, 209, 233)),
            jaw=0.24,
        ),
        "a presenter with short auburn hair and beard, navy blazer and open collar, on light blue",
    ),
    _Builtin(
        Avatar("nia", "Nia — storyteller", "illustrated", role="storyteller"),
        Look(
            skin=(132, 84, 60),
            hair=(42, 30, 28),
            iris=(60, 36, 26),
            hair_style="curly",
            outfit="scoop_top",
            clothes=(236, 112, 88),
            inner=(248, 226, 150),
            background=((214, 242, 228), (172, 220, 200)),
            earrings=(232, 190, 80),
            lashes=True,
            lips=(120, 58, 56),
        ),
        "a storyteller with big curly hair, gold hoops and a coral top with beads, on mint",
    ),
    _Builtin(
        Avatar("samira", "Samira — scientist", "illustrated", role="scientist"),
        Look(
            skin=(212, 160, 122),
            hair=(50, 36, 32),
            iris=(84, 54, 34),
            hair_style="hijab",
            outfit="tunic",
            clothes=(234, 196, 108),
            inner=(250, 240, 220),
            background=((234, 226, 248), (206, 196, 234)),
            scarf=(54, 122, 130),
            lashes=True,
            lips=(180, 94, 92),
        ),
        "a scientist in a teal hijab over a saffron tunic, on lavender",
    ),
    _Builtin(
        Avatar("kenji", "Kenji — tutor", "illustrated", role="tutor"),
        Look(
            skin=(240, 204, 170),
            hair=(36, 34, 44),
            iris=(50, 36, 30),
            hair_style="side_part",
            outfit="sweater",
            clothes=(82, 136, 104),
            inner=(250, 250, 248),
            background=((251, 242, 204), (242, 224, 172)),
            glasses=(48, 44, 56),
            jaw=0.26,
        ),
        "a tutor with a black side-swept fringe, glasses and a green striped sweater, on yellow",
    ),
    _Builtin(
        Avatar("carmen", "Carmen — head teacher", "illustrated", role="head_teacher"),
        Look(
            skin=(240, 204, 180),
            hair=(206, 206, 212),
            iris=(84, 96, 90),
            hair_style="bob",
            outfit="blazer",
            clothes=(124, 36, 56),
            inner=(248, 240, 228),
            background=((228, 240, 240), (192, 220, 222)),
            glasses=(150, 40, 64),
            earrings=(244, 240, 230),
            lashes=True,
            lips=(184, 92, 100),
            wrinkles=0.7,
            jaw=0.22,
        ),
        "a head teacher in her sixties: silver bob, red glasses, burgundy blazer, on pale teal",
    ),
    _Builtin(
        Avatar("diego", "Diego — teacher", "illustrated", role="teacher"),
        Look(
            skin=(198, 142, 102),
            hair=(30, 24, 22),
            iris=(52, 34, 24),
            hair_style="short",
            outfit="polo",
            clothes=(44, 110, 180),
            inner=(240, 240, 240),
            background=((238, 236, 222), (214, 208, 186)),
            moustache=True,
            jaw=0.2,
        ),
        "a young teacher with short black hair and a moustache, in a blue polo, on sand",
    ),
    _Builtin(
        Avatar("lucia", "Lucía — teacher", "illustrated", role="teacher"),
        Look(
            skin=(178, 120, 86),
            hair=(26, 20, 20),
            iris=(48, 30, 22),
            hair_style="long",
            outfit="embroidered",
            clothes=(250, 247, 240),
            inner=(250, 247, 240),
            background=((250, 228, 232), (236, 196, 206)),
            earrings=(214, 164, 64),
            lashes=True,
            lips=(164, 78, 80),
        ),
        "a teacher with long black hair and an embroidered white blouse, on rose",
    ),
    _Builtin(
        Avatar("tomas", "Tomás — professor", "illustrated", role="professor"),
        Look(
            skin=(226, 180, 152),
            hair=(196, 194, 192),
            iris=(70, 80, 96),
            hair_style="bald",
            outfit="vest",
            clothes=(112, 86, 66),
            inner=(232, 238, 248),
            background=((228, 236, 222), (198, 214, 190)),
            beard=True,
            accent=(48, 72, 120),
            wrinkles=1.0,
            jaw=0.22,
        ),
        "a professor in his sixties: bald crown, grey beard, tie and brown knitted vest, on sage",
    ),
)

BUILTIN_AVATARS: tuple[Avatar, ...] = tuple(b.avatar for b in _BUILTINS)
DESCRIPTIONS: dict[str, str] = {b.avatar.id: b.description for b in _BUILTINS}


def builtin_ids() -> list[str]:
    """The ids of the built-in presenters, in display order."""
    return [a.id for a in BUILTIN_AVATARS]


def look_of(avatar_id: str) -> Look | None:
    return next((b.look for b in _BUILTINS if b.avatar.id == avatar_id), None)
