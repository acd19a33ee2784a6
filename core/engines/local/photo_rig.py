"""The photo's rig: how each movement displaces the facial landmarks, and the warp fields.

Every movement (jaw open, lips wide, round, pressed, lip under the teeth, relaxing a smile,
a small smile, blink, brows) is a displacement of the 68 landmarks plus a few helper points,
in units of the face (eye distance, mouth width). Extra points that never move (a ring around
the face and the corners of the animated region) anchor the mesh, so everything outside the
face stays exactly still and the warp fades out with no seam or box.

For each movement the warp is built once, at load time, as a backward map over a Delaunay
triangulation: every triangle of the moved mesh is mapped affinely back to the same triangle of
the photo (piecewise-affine warp). A frame is then a weighted sum of these fields (a few
``cv2.scaleAdd`` calls) and one ``cv2.remap``: fast enough to run per frame at 1080p.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core.engines.local.landmarks import BROW_L, BROW_R, JAW, Face

MOUTH_MOVES = ("open", "round", "wide", "press", "shut", "lip_teeth", "relax", "smile")
EYE_MOVES = ("blink", "brows")  # the upper face: warped apart from the mouth (no overlap)
MOVES = MOUTH_MOVES + EYE_MOVES

# Sizes of the movements at weight 1, in eye distances (e) or mouth widths (m).
CHIN_DROP = 0.22  # e: the chin at the widest "a"
LOWER_LIP_DROP = 0.22  # e: the middle of the lower lip (it also opens from the upper lip)
UPPER_LIP_LIFT = 0.035  # e
ROUND_IN = 0.2  # m: each corner moves in (an o/u pucker: the mouth a third narrower)
WIDE_OUT = 0.07  # m: each corner moves out
BROW_LIFT = 0.11  # e
SMILE_LIFT = 0.05  # e: a small closed smile lifts the corners
TEETH_LIFT = 0.07  # e: f/v lifts the upper lip to show the upper teeth on the lower lip
RELAX_SHUT = 0.4  # of a smile's teeth gap closed by the upper lip coming down when relaxed

# How much each jaw point follows the chin (0 at the ears, 1 at the chin).
_JAW_FOLLOW = np.array(
    [0, 0, 0, 0.1, 0.35, 0.62, 0.84, 0.96, 1.0, 0.96, 0.84, 0.62, 0.35, 0.1, 0, 0, 0]
)


@dataclass
class Rig:
    """The mesh (photo positions of all points), its triangles and each move's displacement."""

    points: np.ndarray  # (N, 2): 68 landmarks, helper points, still anchors
    triangles: np.ndarray  # (T, 3) vertex indices
    moves: dict[str, np.ndarray]  # move → (N, 2) displacement at weight 1
    crease: tuple[int, ...]  # indices of the helper points above the upper lids


def _smiling(face: Face) -> float:
    """How far the mouth corners sit above the middle of the lip line, in px (> 0 smiles)."""
    p = face.points
    middle = (p[62, 1] + p[66, 1]) / 2.0
    corners = (p[48, 1] + p[54, 1] + p[60, 1] + p[64, 1]) / 4.0
    return float(middle - corners)


def smile_amount(face: Face) -> float:
    """0 for a neutral mouth .. 1 for a broad smile (corners high, teeth showing)."""
    lift = _smiling(face) / max(1.0, face.mouth_width)
    width = face.mouth_width / max(1.0, face.eye_distance)  # ~0.8 relaxed, >1 a broad smile
    score = max(0.0, lift - 0.02) / 0.08 + max(0.0, width - 0.85) / 0.35
    if face.teeth_visible:
        score += 0.4
    return float(np.clip(score, 0.0, 1.0))


def build_rig(face: Face, roi: tuple[int, int, int, int]) -> Rig:
    """The rig of ``face`` (canvas pixels) anchored on the rectangle ``roi`` (x0, y0, x1, y1)."""
    p = face.points
    e = face.eye_distance
    m = face.mouth_width
    centre = (p[30] + (p[27] + p[8]) / 2.0) / 2.0  # a point inside the face, near the nose
    helpers: list[np.ndarray] = []
    # Creases: skin halfway between each upper lid and the brow, which follows a blink a little.
    crease_src = [(37, 19), (38, 20), (43, 23), (44, 24)]
    for lid, brow in crease_src:
        helpers.append(p[lid] + 0.35 * (p[brow] - p[lid]))
    for lid, brow in crease_src:  # and higher up, under the brow
        helpers.append(p[lid] + 0.7 * (p[brow] - p[lid]))
    # A still ring around the face: the jaw (further below the chin, where the skin stretches)
    # and the forehead above the brows.
    ring_scale = np.array([1.25, 1.25, 1.28, 1.32, 1.38, 1.45, 1.5, 1.55, 1.55])
    ring_scale = np.concatenate([ring_scale, ring_scale[-2::-1]])
    x0, y0, x1, y1 = roi
    ring = [centre + (p[i] - centre) * ring_scale[i] for i in JAW]
    ring += [centre + (p[i] - centre) * 1.7 for i in BROW_L + BROW_R]
    # (A tilted head or a face near the photo's edge puts some outside the region, whose
    # edges anchor the mesh there instead.)
    helpers.extend(q for q in ring if x0 + 1 < q[0] < x1 - 1 and y0 + 1 < q[1] < y1 - 1)
    for fx in (0.0, 0.25, 0.5, 0.75, 1.0):
        helpers.append(np.array([x0 + fx * (x1 - x0), y0]))
        helpers.append(np.array([x0 + fx * (x1 - x0), y1]))
    for fy in (0.25, 0.5, 0.75):
        helpers.append(np.array([x0, y0 + fy * (y1 - y0)]))
        helpers.append(np.array([x1, y0 + fy * (y1 - y0)]))
    # The inner lips between their landmarks (on the curve through them): with only the
    # landmarks, a closing mouth stays open in a wedge at each corner, where the lips curve.
    lip_curve = closed_curve(p[INNER], 2)
    mids = lip_curve[1::2]  # segment k runs from INNER[k] to INNER[k + 1]
    first_mid = len(p) + len(helpers)
    helpers.extend(mids)
    points = np.vstack([p, np.array(helpers)])
    crease = tuple(range(68, 76))
    n = len(points)

    def zero() -> np.ndarray:
        return np.zeros((n, 2))

    down, right = np.array([0.0, 1.0]), np.array([1.0, 0.0])
    moves: dict[str, np.ndarray] = {}

    # Open: the jaw swings down, the lower lip with it, the upper lip lifts a little.
    d = zero()
    for i in JAW:
        d[i] = down * CHIN_DROP * e * _JAW_FOLLOW[i]
    lower = {66: 1.0, 65: 0.9, 67: 0.9, 57: 0.95, 56: 0.85, 58: 0.85, 55: 0.6, 59: 0.6}
    for i, w in lower.items():
        d[i] = down * LOWER_LIP_DROP * e * w
    for i, w in {
        62: 1.0,
        61: 0.85,
        63: 0.85,
        51: 0.8,
        50: 0.65,
        52: 0.65,
        49: 0.3,
        53: 0.3,
    }.items():
        d[i] = -down * UPPER_LIP_LIFT * e * w
    for i, side in ((48, 1), (60, 1), (54, -1), (64, -1)):  # corners drop a little, come in
        d[i] = down * 0.3 * LOWER_LIP_DROP * e + right * side * 0.03 * m
    moves["open"] = d

    # Round: corners gather towards the middle, the lips push out (look fuller).
    d = zero()
    for i, side, w in ((48, 1, 1), (60, 1, 1.1), (54, -1, 1), (64, -1, 1.1), (49, 1, 0.5),
                       (59, 1, 0.5), (53, -1, 0.5), (55, -1, 0.5), (61, 1, 0.5), (67, 1, 0.5),
                       (63, -1, 0.5), (65, -1, 0.5)):  # fmt: skip
        d[i] = right * side * ROUND_IN * m * w
    # The pushed-out lips look taller, and the opening between them rounder.
    for i, w in ((50, 0.8), (51, 1.0), (52, 0.8), (61, 0.7), (62, 0.8), (63, 0.7)):
        d[i] += -down * 0.06 * e * w
    for i, w in ((56, 0.8), (57, 1.0), (58, 0.8), (65, 0.7), (66, 0.8), (67, 0.7)):
        d[i] += down * 0.06 * e * w
    moves["round"] = d

    # Wide: corners stretch out and a touch up.
    d = zero()
    for i, side, w in ((48, -1, 1), (60, -1, 1), (54, 1, 1), (64, 1, 1), (49, -1, 0.5),
                       (59, -1, 0.5), (53, 1, 0.5), (55, 1, 0.5)):  # fmt: skip
        d[i] = right * side * WIDE_OUT * m * w - down * 0.015 * e * w
    moves["wide"] = d

    # Shut: any gap between the lips (a smile's teeth) closes, the lower lip comes up.
    d = zero()
    gap = {65: 63, 66: 62, 67: 61}
    for low, up in gap.items():
        d[low] = down * (p[up, 1] - p[low, 1])  # ≤ 0: the lower inner lip onto the upper one
    for outer, inner in ((56, 65), (57, 66), (58, 67)):
        d[outer] = d[inner]
    moves["shut"] = d

    # Press (m, b, p): lips closed (with "shut") and thinned.
    d = zero()
    for outer, inner in ((56, 65), (57, 66), (58, 67)):
        d[outer] = -down * 0.3 * (p[outer, 1] - p[inner, 1])
    for outer, inner in ((50, 61), (51, 62), (52, 63)):
        d[outer] = down * 0.3 * (p[inner, 1] - p[outer, 1])
    moves["press"] = d

    # Lip under the teeth (f, v): the upper lip lifts off the teeth, the lower lip tucks up.
    d = zero()
    for i, w in {62: 1.0, 61: 0.8, 63: 0.8, 51: 0.8, 50: 0.6, 52: 0.6}.items():
        d[i] = -down * TEETH_LIFT * e * w
    for i in JAW:
        d[i] = down * 0.1 * CHIN_DROP * e * _JAW_FOLLOW[i]
    moves["lip_teeth"] = d

    # Relax: a smiling photo's corners come down to the lip line and in, the teeth gap closes.
    d = zero()
    lift = max(0.0, _smiling(face))
    for i, side, w in ((48, 1, 1), (60, 1, 1), (54, -1, 1), (64, -1, 1), (49, 1, 0.5),
                       (59, 1, 0.5), (53, -1, 0.5), (55, -1, 0.5)):  # fmt: skip
        d[i] = down * 0.8 * lift * w + right * side * 0.05 * m * w
    for low, up in gap.items():
        shut = p[low, 1] - p[up, 1]
        d[up] += down * RELAX_SHUT * shut  # the rest of the gap: "shut", weighted with this
    for i, inner in ((50, 61), (51, 62), (52, 63)):
        d[i] += d[inner] * 0.7
    for i, inner in ((56, 65), (57, 66), (58, 67)):
        d[i] += d[inner] * 0.7
    moves["relax"] = d

    # Smile: a small closed-mouth smile (for a photo that does not smile already).
    d = zero()
    for i, side, w in ((48, -1, 1), (60, -1, 1), (54, 1, 1), (64, 1, 1), (49, -1, 0.4),
                       (59, -1, 0.4), (53, 1, 0.4), (55, 1, 0.4)):  # fmt: skip
        d[i] = -down * SMILE_LIFT * e * w + right * side * 0.04 * m * w
    moves["smile"] = d

    # Blink: the upper lid comes down onto the lower one, the crease follows a little.
    d = zero()
    for up, low in ((37, 41), (38, 40), (43, 47), (44, 46)):
        d[up] = (p[low] - p[up]) * 0.84
    for low, up in ((41, 37), (40, 38), (47, 43), (46, 44)):
        d[low] = (p[up] - p[low]) * 0.16
    for k, (lid, _brow) in enumerate(crease_src):
        d[68 + k] = d[lid] * 0.9  # the lid (lashes to crease) comes down whole, not stretched
        d[72 + k] = d[lid] * 0.4  # the skin under the brow stretches instead
    moves["blink"] = d

    # Brows: up (a stressed word); negative weights knit them down a little.
    d = zero()
    for i in BROW_L + BROW_R:
        outer = i in (17, 26)
        d[i] = -down * BROW_LIFT * e * (0.4 if outer else 1.0)
    for k in range(4):
        d[68 + k] = -down * BROW_LIFT * e * 0.35
        d[72 + k] = -down * BROW_LIFT * e * 0.75
    for i in (37, 38, 43, 44):
        d[i] = -down * BROW_LIFT * e * 0.12
    moves["brows"] = d

    # Each in-between lip point moves as the middle of its two landmarks; when the lips shut,
    # the lower ones come up onto the upper lip's curve.
    dense = closed_curve(p[INNER], 12)
    top = dense[: 4 * 12 + 1]
    order = np.argsort(top[:, 0], kind="stable")
    for name, d in moves.items():
        for k in range(8):
            d[first_mid + k] = 0.5 * (d[INNER[k]] + d[INNER[(k + 1) % 8]])
        if name == "shut":
            for k in range(4, 8):
                x, y = mids[k]
                d[first_mid + k] = down * (np.interp(x, top[order, 0], top[order, 1]) - y)
    triangles = _triangulate(points + moves["open"], roi)
    return Rig(points=points, triangles=triangles, moves=moves, crease=crease)


INNER = list(range(60, 68))


def closed_curve(points: np.ndarray, per: int) -> np.ndarray:
    """``per`` points per segment of a closed Catmull-Rom curve through ``points``."""
    t = np.linspace(0.0, 1.0, per, endpoint=False)[:, None]
    out = []
    n = len(points)
    for i in range(n):
        a, b, c, d = (points[(i + k) % n] for k in (-1, 0, 1, 2))
        out.append(
            0.5
            * (
                2 * b
                + (-a + c) * t
                + (2 * a - 5 * b + 4 * c - d) * t**2
                + (-a + 3 * b - 3 * c + d) * t**3
            )
        )
    return np.vstack(out)


def _triangulate(points: np.ndarray, roi: tuple[int, int, int, int]) -> np.ndarray:
    """Delaunay triangles as vertex indices (on the open-mouth mesh: the lips then have a gap
    between them, so no triangle joins the upper lip to the lower jaw across the mouth)."""
    x0, y0, x1, y1 = roi
    subdiv = cv2.Subdiv2D((int(x0) - 2, int(y0) - 2, int(x1 - x0) + 5, int(y1 - y0) + 5))
    # (Subdiv2D refuses points outside its rectangle: a jaw that drops past the photo's edge.)
    points = np.clip(points, [x0 - 1, y0 - 1], [x1 + 1, y1 + 1])
    for x, y in points:
        subdiv.insert((float(x), float(y)))
    tris = []
    for t in subdiv.getTriangleList().reshape(-1, 3, 2):
        # Subdiv2D keeps float32 positions: match each corner to the nearest point.
        dist = np.linalg.norm(points[None, :, :] - t[:, None, :].astype(np.float64), axis=2)
        ids = dist.argmin(axis=1)
        if dist[np.arange(3), ids].max() < 0.05 and len(set(ids.tolist())) == 3:
            tris.append(ids)
    return np.array(tris, dtype=np.int32)


def mesh_field(
    points: np.ndarray,
    values: np.ndarray,
    triangles: np.ndarray,
    roi: tuple[int, int, int, int],
    step: int = 1,
) -> np.ndarray:
    """(h, w, 2) float32 over ``roi``: ``values`` (one 2-vector per point) interpolated
    linearly inside each triangle of the mesh ``points``; zero where no value moves.

    With ``step`` > 1 the field is sampled every ``step`` px (centred like ``cv2.resize``
    shrinking the region by ``step``), so resizing it back gives the full-size field.
    """
    x0, y0, x1, y1 = roi
    h, w = -(-(y1 - y0) // step), -(-(x1 - x0) // step)
    offset = np.array([x0 + (step - 1) / 2.0, y0 + (step - 1) / 2.0])
    return _raster((points - offset) / step, values, triangles, (0, 0, w, h))


def _raster(
    points: np.ndarray,
    values: np.ndarray,
    triangles: np.ndarray,
    roi: tuple[int, int, int, int],
) -> np.ndarray:
    x0, y0, x1, y1 = roi
    h, w = y1 - y0, x1 - x0
    field = np.zeros((h, w, 2), np.float32)
    written = np.zeros((h, w), bool)
    moving = np.abs(values).max(axis=1) > 1e-6
    still = np.zeros((h, w), np.uint8)
    for tri in triangles:
        if not moving[tri].any():
            cv2.fillConvexPoly(still, np.round(points[tri] - [x0, y0]).astype(np.int32), 1)
    written |= still.astype(bool)
    # First each triangle's own pixels; then, a little past the edges, only pixels no triangle
    # covered (a triangle that closed to a line, as a shut eyelid's, leaves no sliver). Never
    # extrapolate over a neighbour's pixels: past a thin triangle's edge that tears.
    for tolerance in (-1e-6, -0.05):
        for tri in triangles:
            if moving[tri].any():
                _fill(field, written, points[tri], values[tri], (x0, y0, x1, y1), tolerance)
    return field


def _fill(
    field: np.ndarray,
    written: np.ndarray,
    d: np.ndarray,
    v: np.ndarray,
    roi: tuple[int, int, int, int],
    tolerance: float,
) -> None:
    x0, y0, x1, y1 = roi
    area = (d[1, 0] - d[0, 0]) * (d[2, 1] - d[0, 1]) - (d[2, 0] - d[0, 0]) * (d[1, 1] - d[0, 1])
    if abs(area) < 1e-3:
        return
    bx0 = max(x0, int(np.floor(d[:, 0].min())) - 1)
    bx1 = min(x1, int(np.ceil(d[:, 0].max())) + 2)
    by0 = max(y0, int(np.floor(d[:, 1].min())) - 1)
    by1 = min(y1, int(np.ceil(d[:, 1].max())) + 2)
    if bx1 <= bx0 or by1 <= by0:
        return
    gx, gy = np.meshgrid(np.arange(bx0, bx1, dtype=np.float64),
                         np.arange(by0, by1, dtype=np.float64))  # fmt: skip
    # Barycentric coordinates of each pixel in the triangle.
    l1 = ((gx - d[0, 0]) * (d[2, 1] - d[0, 1]) - (d[2, 0] - d[0, 0]) * (gy - d[0, 1])) / area
    l2 = ((d[1, 0] - d[0, 0]) * (gy - d[0, 1]) - (gx - d[0, 0]) * (d[1, 1] - d[0, 1])) / area
    l0 = 1.0 - l1 - l2
    done = written[by0 - y0 : by1 - y0, bx0 - x0 : bx1 - x0]
    inside = (l0 >= tolerance) & (l1 >= tolerance) & (l2 >= tolerance) & ~done
    if not inside.any():
        return
    sub = field[by0 - y0 : by1 - y0, bx0 - x0 : bx1 - x0]
    for c in range(2):
        sub[..., c][inside] = (l0 * v[0, c] + l1 * v[1, c] + l2 * v[2, c])[inside]
    done |= inside
