"""The composition layer: any talking-presenter clip laid out as a publishable video.

formats (16:9, 9:16, 1:1 at 720/1080) · layouts (full, side, corner, voice) · themes and
backgrounds · slides (PDF pages or images, one per scene) · burned-in captions · music
ducked under the voice · a title card. ``check_look`` validates a Look before any slow
work; ``compose_video`` writes the MP4, subtitles and thumbnail from an engine's Clip.
"""

from core.compose.look import LookPlan, check_look
from core.compose.render import COMPOSE_VERSION, Composed, compose_video

__all__ = ["COMPOSE_VERSION", "Composed", "LookPlan", "check_look", "compose_video"]
