"""The offline engine: speech (espeak-ng, Piper), presenters (illustrated, photo), lip sync, encoding."""
