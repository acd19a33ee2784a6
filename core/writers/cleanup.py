"""Turn whatever a model wrote into text a presenter can say.

Why this exists even though the prompt asks for plain text: models (small local ones
above all) still add "Sure, here is…", markdown, bullets, emojis, "[music]" cues, speaker
labels and "Let me know if…". A text-to-speech voice would read all of it aloud. The
rules are deliberately conservative: they remove what is clearly not speech and keep
anything that could be (a parenthesis that is not a cue, a rhetorical question that is
not an offer to the requester).

``clean_script`` is pure and works on any prefix of a reply, so the live view of a
streaming reply (``LiveCleaner``) shows exactly the text the final script will hold.
"""

from __future__ import annotations

import re

from core.writers.timing import count_words

CLEANUP_VERSION = "1"  # part of the script cache key: bump when the output changes

_SCRIPT_WORDS = (
    r"script|guion|guión|text|texto|version|versión|draft|borrador|narration|narración|"
    r"voice-?over|locución|video|vídeo|words|palabras|seconds|segundos"
)
_STAGE_WORDS = (
    r"music|música|musica|pause|pausa|pausas|laughs?|laughing|laughter|r[ií]e|risas?|"
    r"smiles?|sonr[ií]e|sighs?|suspira|applause|aplausos|sound|sonido|sfx|effects?|efectos?|"
    r"intro|outro|transition|transición|cut to|corte|beat|silence|silencio|b-roll|"
    r"on[- ]screen|en pantalla|c[aá]mara|camera|scene|escena|visual|gestures?|gesto|"
    r"mira a|looks? at|se[ñn]ala|points? to|fade|fundido|jingle|cortinilla|background|"
    r"de fondo|voice ?over|voz en off|clears? throat|carraspea|dramatic|dramática"
)
_STAGE = re.compile(rf"\b(?:{_STAGE_WORDS})\b", re.IGNORECASE)
_META_NUMBER = re.compile(
    r"\d+\s*(?:words?|palabras|seconds?|segundos|secs?|s|minutes?|minutos|min)\b", re.I
)
_TIMESTAMP = re.compile(r"^\s*\d{1,2}:\d{2}(?:\s*[-–—]\s*\d{1,2}:\d{2})?\s*$")

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
_RULE = re.compile(r"^\s*(?:[-*_=~]\s*){3,}$")
_QUOTE = re.compile(r"^\s*>+\s?")
_BULLET = re.compile(r"^\s*(?:[-*+•·●▪►➤–—]|\d{1,2}[.)]|[a-z][)])\s+")
_LINE_TIMESTAMP = re.compile(
    r"^\s*[\[(]?\d{1,2}:\d{2}(?:\s*[-–—]\s*\d{1,2}:\d{2})?[\])]?\s*[:\-–—]?\s*"
)
_LABEL = re.compile(
    r"^(?:narrat(?:or|ion)|narrador(?:a)?|presenter|presentador(?:a)?|host|"
    r"anfitri[oó]n(?:a)?|speaker(?:\s*\d+)?|hablante(?:\s*\d+)?|locutor(?:a)?|"
    r"voice[- ]?over|voz(?: en off)?|v\.?o\.?|orador(?:a)?|assistant|asistente|"
    r"script|guion|guión|text|texto|"
    r"(?:scene|escena|part|parte|section|sección)\s*\d*|"
    r"intro(?:duction|ducción)?|hook|gancho|body|cuerpo|desarrollo|development|"
    r"closing|cierre|conclusi[oó]n|conclusion|outro|call to action|cta|"
    r"llamada a la acci[oó]n|despedida)"
    r"\s*(?:\([^)]{0,40}\))?\s*[:：]\s*",
    re.IGNORECASE,
)
_CAPS_LABEL = re.compile(r"^[A-ZÁÉÍÓÚÑÜ][A-ZÁÉÍÓÚÑÜ .]{1,24}[:：]\s+")
_META_LINE = re.compile(
    r"^(?:title|título|titulo|duration|duración|duracion|word count|words|palabras|"
    r"recuento de palabras|número de palabras|tone|tono|audience|audiencia|público|"
    r"length|longitud|estimated (?:time|duration)|tiempo estimado|duración estimada)"
    r"\s*[:：]",
    re.IGNORECASE,
)
_HTML = re.compile(r"</?[a-zA-Z][^>]{0,80}>")
_LINK = re.compile(r"!?\[([^\]]*)\]\((?:[^)\s]+)\)")
_BRACKETS = re.compile(r"\[[^\]\n]{0,120}\]|\{[^}\n]{0,120}\}")
_PARENS = re.compile(r"\(([^()\n]{0,120})\)")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_CODE = re.compile(r"`+([^`]*)`+")
_HASHTAG = re.compile(r"(?<![\w&])#(\w)")
_EMOJI = re.compile(
    "["
    "\U0001f000-\U0001faff"  # pictographs, emoticons, transport, flags' letters…
    "\u2600-\u27bf"  # misc symbols and dingbats (☀ ✔ ✨ ❤)
    "\u2190-\u21ff"  # arrows
    "\u2300-\u23ff"  # ⌛ ⏰
    "\u2b00-\u2bff"  # ⭐ ⬆
    "\ufe0f\ufe0e\u200d\u20e3"  # variation selectors, joiner, keycap
    "]+"
)
_SENTENCE_END = re.compile(r"(?<=[.!?…:])[\"'»”’)\]]*\s+(?=\S)")
_TERMINAL = re.compile(r"[.!?…][\"'»”’)\]]*$")

_PREAMBLE_OPENER = re.compile(
    r"^[¡¿]?(?:sure|certainly|of course|absolutely|okay|ok|alright|great|got it|no problem|"
    r"happy to help|here you go|claro(?: que sí)?|por supuesto|desde luego|con gusto|"
    r"perfecto|vale|entendido|genial|muy bien|bueno)\b",
    re.IGNORECASE,
)
_PREAMBLE_HERE = re.compile(
    r"^(?:here(?:'s| is| are)|below is|this is (?:a|the|your)|"
    r"aquí (?:tienes|tiene|está|te dejo|va)|a continuación|te presento|te comparto|"
    r"este es (?:el|un|tu)|esta es (?:la|una|tu))\b",
    re.IGNORECASE,
)
_SCRIPTISH = re.compile(rf"\b(?:{_SCRIPT_WORDS})\b", re.IGNORECASE)
_OFFER = re.compile(
    r"let me know|hope (?:this|that|it) helps|hope (?:this|the) (?:script|text|draft)|"
    r"hope you (?:find|like) (?:this|the) (?:script|draft)|feel free|"
    r"would you like (?:me|any|a different)|do you want me|want me to|"
    r"if you(?:'d| would) like(?: me| any| a| to adjust| changes)|if you need (?:any|me|a)|"
    r"i can (?:also )?(?:adjust|make|change|shorten|lengthen|tweak|provide|write|create|"
    r"rewrite)|happy to (?:help|adjust|make)|\bnote:|word count|estimated (?:duration|time)|"
    r"this script (?:is|runs|has|should|takes|lasts)|"
    r"av[ií]same|d[ií]me si|espero que (?:te|le|les|os) (?:sirva|ayude|guste (?:el|este))|"
    r"espero que (?:este|el) (?:guion|guión|texto)|"
    r"si (?:necesitas|quieres|deseas|prefieres|te gustar[ií]a)[, ]+(?:puedo|que|alg[uú]n|"
    r"otra|más|cambios|ajustes|lo)|"
    r"(?:te|le) gustar[ií]a que|¿quieres que|¿deseas que|¿prefieres que|"
    r"puedo (?:ajustar|cambiar|hacer|modificar|acortar|alargar|adaptar|escribir|preparar)|"
    r"no dudes en|\bnota:|recuento de palabras|(?:duraci[oó]n|tiempo) (?:estimad|aproximad)|"
    r"este guion (?:tiene|dura|est[aá]|ocupa)",
    re.IGNORECASE,
)


def clean_script(raw: str) -> str:
    """Speakable text from a model's reply: paragraphs separated by blank lines."""
    lines = [_clean_line(line) for line in _drop_fenced_markers(raw)]
    paragraphs = _paragraphs(lines)
    paragraphs = _drop_preamble(paragraphs)
    paragraphs = _drop_trailing_offers(paragraphs)
    text = "\n\n".join(paragraphs)
    return _unquote(text)


def fit_to_budget(text: str, max_words: int) -> tuple[str, bool]:
    """Cut ``text`` to at most ``max_words``, at a sentence boundary. Returns (text, cut).

    Whole sentences are kept while they fit; when even the first sentence is too long it
    is cut at a word and ends with "…" so the voice falls rather than stopping mid-air.
    """
    if count_words(text) <= max_words:
        return text, False
    kept: list[str] = []
    used = 0
    for p_index, paragraph in enumerate(text.split("\n\n")):
        sentences: list[str] = []
        for sentence in split_sentences(paragraph):
            n = count_words(sentence)
            if used + n > max_words:
                break
            sentences.append(sentence)
            used += n
        else:
            kept.append(" ".join(sentences))
            continue
        if sentences:
            kept.append(" ".join(sentences))
        elif p_index == 0 and not kept:
            words = paragraph.split()[:max_words]
            kept.append(" ".join(words).rstrip(",;:—-") + "…")
        break
    return "\n\n".join(kept), True


def drop_unfinished(text: str) -> tuple[str, bool]:
    """Drop a trailing half sentence (the model was stopped). Returns (text, dropped)."""
    text = text.rstrip()
    if not text or _TERMINAL.search(text):
        return text, False
    paragraphs = text.split("\n\n")
    sentences = split_sentences(paragraphs[-1])
    if len(sentences) > 1:
        paragraphs[-1] = " ".join(sentences[:-1])
    elif len(paragraphs) > 1:
        paragraphs.pop()
    else:
        return text.rstrip(",;:—-") + "…", True
    return "\n\n".join(paragraphs), True


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph (a colon ends one too: "Here is the script: …")."""
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


class LiveCleaner:
    """Cleans a streaming reply as it grows, so the person only ever sees speakable text.

    Only text up to the last finished sentence or line is cleaned; a sentence that might
    be a closing offer ("Let me know if…") is held back until more text follows it. The
    text shown is always a prefix of the final script unless a later delta changes the
    meaning of earlier text (rare); ``finish`` reports that case by returning None.
    """

    def __init__(self, max_words: int) -> None:
        self.max_words = max_words
        self.raw = ""
        self.shown = ""
        self._stable_end = 0
        self.diverged = False

    def feed(self, delta: str) -> str:
        """Add a delta; return the new speakable text to show (often "")."""
        self.raw += delta
        end = _last_boundary(self.raw)
        if end <= self._stable_end or self.diverged:
            return ""
        self._stable_end = end
        text, _ = fit_to_budget(clean_script(self.raw[:end]), self.max_words)
        return self._advance(text)

    def finish(self, final_text: str) -> str | None:
        """The rest of ``final_text`` to show, or None if what was shown is not its prefix."""
        if self.diverged or not final_text.startswith(self.shown):
            self.diverged = True
            return None
        return self._advance(final_text)

    def _advance(self, text: str) -> str:
        if not text.startswith(self.shown):
            self.diverged = True
            return ""
        piece, self.shown = text[len(self.shown) :], text
        return piece


def _last_boundary(text: str) -> int:
    """End of the last finished line or sentence in ``text`` (0 if none yet)."""
    newline = text.rfind("\n") + 1
    sentence = 0
    for match in re.finditer(r"[.!?…][\"'»”’)\]]*\s", text):
        sentence = match.end()
    return max(newline, sentence)


def _drop_fenced_markers(raw: str) -> list[str]:
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    return [line for line in text.split("\n") if not _FENCE.match(line)]


def _clean_line(line: str) -> str | None:
    """One line, cleaned; None for a line that is not speech at all; "" for a blank line."""
    if not line.strip():
        return ""
    if _HEADING.match(line) or _RULE.match(line) or _TIMESTAMP.match(line):
        return None
    line = _QUOTE.sub("", line)
    bulleted = bool(_BULLET.match(line))
    line = _BULLET.sub("", line)
    if _is_bold_title(line):
        return None
    line = _LINE_TIMESTAMP.sub("", line)
    line = _HTML.sub(" ", line)
    line = _LINK.sub(r"\1", line)
    line = _strip_stage_directions(line)
    line = _BOLD.sub(r"\2", line)
    line = _strip_labels(line)
    if _META_LINE.match(line):
        return None
    if _is_lone_action(line):
        return None
    line = _ITALIC.sub(r"\2", line)
    line = _CODE.sub(r"\1", line)
    line = line.replace("**", "").replace("__", "").replace("*", "")
    if re.fullmatch(r"\s*(?:#\w+\s*)+", line):
        return None  # a line of hashtags
    line = _HASHTAG.sub(r"\1", line)
    line = _EMOJI.sub(" ", line)
    line = _tidy_spaces(line)
    if not re.search(r"\w", line):
        return None
    if bulleted and not _TERMINAL.search(line):
        line = line.rstrip(",;:") + "."
    return line


def _is_bold_title(line: str) -> bool:
    """A short line that is all bold and has no sentence end: a heading in disguise."""
    match = re.fullmatch(r"\s*(\*\*|__)(.+?)\1\s*[:：]?\s*", line)
    if not match:
        return False
    inner = match.group(2).strip()
    return not _TERMINAL.search(inner) and len(inner.split()) <= 10


def _is_lone_action(line: str) -> bool:
    """A line that is only "*waves at the camera*": a stage direction, not speech."""
    match = re.fullmatch(r"\s*([*_])([^*_]+)\1\s*", line)
    return bool(match) and not _TERMINAL.search(match.group(2).strip())


def _strip_stage_directions(line: str) -> str:
    line = _BRACKETS.sub(" ", line)

    def paren(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        letters = re.sub(r"[^A-Za-zÁÉÍÓÚÑÜáéíóúñü]", "", inner)
        if (
            _STAGE.search(inner)
            or _META_NUMBER.search(inner)
            or _TIMESTAMP.match(inner)
            or (len(letters) > 1 and letters.isupper() and len(inner.split()) > 1)
        ):
            return " "
        return match.group(0)

    def starred(match: re.Match[str]) -> str:
        return " " if _STAGE.search(match.group(2)) else match.group(0)

    line = _PARENS.sub(paren, line)
    return re.sub(r"(?<!\*)(\*)([^*\n]{1,80})\*(?!\*)", starred, line)


def _strip_labels(line: str) -> str:
    for _ in range(2):  # "**Narrador (voz en off):** Escena 1: …"
        stripped = _LABEL.sub("", line.lstrip(), count=1)
        stripped = _CAPS_LABEL.sub("", stripped, count=1)
        if stripped == line.lstrip():
            break
        line = stripped
    return line


def _tidy_spaces(line: str) -> str:
    line = re.sub(r"[ \t]+", " ", line).strip()
    line = re.sub(r" +([,.;:!?…»”)])", r"\1", line)
    line = re.sub(r"([¡¿«“(]) +", r"\1", line)
    return line


def _paragraphs(lines: list[str | None]) -> list[str]:
    """Join lines into paragraphs; blank lines separate them, dropped lines do not."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line is None:
            continue
        if line == "":
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        current.append(line)
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _is_preamble(sentence: str) -> bool:
    scriptish = bool(_SCRIPTISH.search(sentence))
    if _PREAMBLE_OPENER.match(sentence):
        return len(sentence.split()) <= 4 or sentence.endswith(":") or scriptish
    if _PREAMBLE_HERE.match(sentence):
        return sentence.endswith(":") or scriptish
    return sentence.endswith(":") and scriptish


def _drop_preamble(paragraphs: list[str]) -> list[str]:
    """Drop "Sure, here is…" / "¡Claro! Aquí tienes…" sentences at the very start."""
    paragraphs = list(paragraphs)
    for _ in range(3):
        if not paragraphs:
            break
        sentences = split_sentences(paragraphs[0])
        keep = 0
        while keep < len(sentences) and _is_preamble(sentences[keep]):
            keep += 1
        if keep == 0:
            break
        rest = sentences[keep:]
        if rest:
            paragraphs[0] = " ".join(rest)
            break
        paragraphs.pop(0)
    return paragraphs


def _drop_trailing_offers(paragraphs: list[str]) -> list[str]:
    """Drop "Let me know if…" / "¿Quieres que lo ajuste?" sentences at the very end."""
    paragraphs = list(paragraphs)
    while paragraphs:
        sentences = split_sentences(paragraphs[-1])
        keep = len(sentences)
        while keep > 0 and _OFFER.search(sentences[keep - 1]):
            keep -= 1
        if keep == len(sentences):
            break
        if keep:
            paragraphs[-1] = " ".join(sentences[:keep])
            break
        paragraphs.pop()
    return paragraphs


def _unquote(text: str) -> str:
    """Remove quotes wrapped around the whole script.

    An opening quote whose partner has not arrived yet goes too, so a streamed reply
    shows the same text before and after its closing quote.
    """
    pairs = {'"': '"', "“": "”", "«": "»"}
    text = text.strip()
    if text[:1] in pairs:
        close = pairs[text[0]]
        inner = text[1:-1] if len(text) > 1 and text.endswith(close) else text[1:]
        if text[0] not in inner and close not in inner:
            return inner.strip()
    return text
