"""Piper's noise, seeded by what is spoken, so the same text always sounds the same.

The VITS model behind a Piper voice draws Gaussian noise twice per sentence (the stochastic
duration predictor and the latent that the decoder turns into sound) with ONNX
``RandomNormalLike`` nodes. onnxruntime seeds those once per session and moves on at every
call, so the same sentence came out a few hundred samples longer or shorter from one call to
the next: the same request did not render the same video.

Here each of those nodes is replaced, in memory, by a slice of a graph input of the same
shape, and :class:`SeededSession` feeds that input with standard normal noise drawn from a
generator seeded by the sentence's phoneme ids and scales. The noise has the same
distribution as before (the voice sounds as it did), but the same sentence now always gets
the same noise, whatever was spoken before it in the process.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np

FRAMES_PER_PHONEME = 40  # room for the decoder's latent: ~0.46 s a phoneme at hop 256
CHANNELS = 256  # at least the model's channels (2 for durations, 192 for the latent)


@dataclass(frozen=True)
class NoiseInput:
    name: str
    per_phoneme: bool  # the duration predictor's noise (one column per phoneme id)


def seed_random_nodes(model: Any) -> list[NoiseInput]:
    """Replace every ``RandomNormalLike`` node of ``model`` (an ``onnx.ModelProto``) by a
    slice of a new float input; returns those inputs."""
    from onnx import TensorProto, helper

    graph = model.graph
    inputs: list[NoiseInput] = []
    nodes = []
    for node in graph.node:
        if node.op_type != "RandomNormalLike":
            nodes.append(node)
            continue
        name = f"seeded_noise_{len(inputs)}"
        inputs.append(NoiseInput(name, per_phoneme="/dp/" in node.name))
        graph.input.append(
            helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, f"{name}_c", f"{name}_t"])
        )
        shape, starts = f"{name}_shape", f"{name}_starts"
        nodes.append(helper.make_node("Shape", [node.input[0]], [shape], name=f"{name}/shape"))
        nodes.append(
            helper.make_node(
                "Constant",
                [],
                [starts],
                name=f"{name}/starts",
                value=helper.make_tensor(starts, TensorProto.INT64, [3], [0, 0, 0]),
            )
        )
        nodes.append(
            helper.make_node("Slice", [name, starts, shape], [node.output[0]], name=f"{name}/slice")
        )
    del graph.node[:]
    graph.node.extend(nodes)
    return inputs


class SeededSession:
    """An onnxruntime session whose noise inputs are filled from the sentence itself."""

    def __init__(self, session: Any, noise: list[NoiseInput]) -> None:
        self._session = session
        self._noise = noise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)

    def run(self, output_names: Any, feed: dict[str, np.ndarray], *args: Any) -> Any:
        try:
            return self._session.run(output_names, self._fed(feed, 1), *args)
        except Exception:  # a sentence that needed more room than was made for it
            return self._session.run(output_names, self._fed(feed, 8), *args)

    def _fed(self, feed: dict[str, np.ndarray], room: int) -> dict[str, np.ndarray]:
        if not self._noise:
            return feed
        digest = hashlib.sha256()
        for key in sorted(feed):
            digest.update(key.encode())
            digest.update(np.ascontiguousarray(feed[key]).tobytes())
        rng = np.random.default_rng(int.from_bytes(digest.digest()[:8], "little"))
        ids = int(feed["input"].shape[-1])
        length_scale = float(feed["scales"][1]) if "scales" in feed else 1.0
        frames = int(ids * FRAMES_PER_PHONEME * max(1.0, length_scale) * room) + 256
        out = dict(feed)
        for noise in self._noise:
            shape = (1, 8, ids) if noise.per_phoneme else (1, CHANNELS, frames)
            out[noise.name] = rng.standard_normal(shape, dtype=np.float32)
        return out
