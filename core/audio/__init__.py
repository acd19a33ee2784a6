"""Audio that did not come from the offline synthesisers: decoding any file (decode.py),
the person's own narration (narration.py), aligning a script to audio (align.py), a mouth
from the audio alone (energy.py) and voices from OpenAI-compatible speech servers
(speech_server.py). ``core.engines.local.voicing`` picks among them."""
