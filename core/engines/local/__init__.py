"""The offline engine: speech (espeak-ng, Piper), presenters, lip sync and encoding."""
