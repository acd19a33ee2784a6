"""Names of languages and voices in the interface language.

The offline voices come with English names from espeak-ng ("Spanish (Latin America) ·
female 1"). The language part is named from CLDR (Babel's data, offline) in the interface
language; espeak's own qualifiers ("Latin America", "Received Pronunciation") have their
translations here. English keeps espeak's wording.
"""

from __future__ import annotations

import functools
import re

from babel import Locale, UnknownLocaleError

from core.models import Voice

# The languages most people here make videos in, offered first (the rest follow by name).
COMMON = ("es", "es-419", "en", "en-US", "pt", "pt-BR", "fr", "de", "it", "ca", "eu", "gl")

# espeak language codes that are not CLDR languages, and the CLDR code naming them
_ALIASES = {"cmn": "zh", "hyw": "hy"}

# espeak's qualifiers, translated (keys are espeak's English, lowercased)
_QUALIFIERS: dict[str, dict[str, str]] = {
    "en": {"america": "United States", "america, new york city": "United States, New York City"},
    "es": {
        "spain": "España",
        "latin america": "Latinoamérica",
        "great britain": "Gran Bretaña",
        "scotland": "Escocia",
        "lancaster": "Lancaster",
        "west midlands": "Midlands Occidentales",
        "received pronunciation": "pronunciación estándar",
        "shavian alphabet": "alfabeto shaviano",
        "america": "Estados Unidos",
        "america, new york city": "Estados Unidos, Nueva York",
        "caribbean": "Caribe",
        "balearic": "balear",
        "north-western": "noroccidental",
        "valencian": "valenciano",
        "mandarin, latin as english": "mandarín, alfabeto latino como en inglés",
        "mandarin, latin as pinyin": "mandarín, alfabeto latino en pinyin",
        "cantonese": "cantonés",
        "cantonese, latin as jyutping": "cantonés, alfabeto latino en jyutping",
        "belgium": "Bélgica",
        "switzerland": "Suiza",
        "france": "Francia",
        "irish": "irlandés",
        "scottish": "escocés",
        "ancient": "antiguo",
        "east armenia": "Armenia oriental",
        "west armenia": "Armenia occidental",
        "pinglish": "pinglish",
        "portugal": "Portugal",
        "brazil": "Brasil",
        "classic": "clásico",
        "classical": "clásico",
        "latvia": "Letonia",
        "tai yai": "tai yai",
        "burmese": "birmano",
        "northern": "norte",
        "central": "centro",
        "southern": "sur",
    },
}

_GENDERS = {
    "en": {"female": "female", "male": "male"},
    "es": {"female": "femenina", "male": "masculina"},
}
_NEURAL = {"en": "neural", "es": "neuronal"}
_PARTS = re.compile(r"^(?P<head>[^(]+?)\s*(?:\((?P<qualifier>.*)\))?$")


@functools.cache
def _locale(lang: str) -> Locale | None:
    try:
        return Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return None


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@functools.cache
def offline_names() -> dict[str, str]:
    """The offline voices' own (English) language names by tag: "es-419" → "Spanish
    (Latin America)". Loaded on first use (espeak's catalogue, a few milliseconds)."""
    from core.engines.local import speech

    names: dict[str, str] = {}
    for v in speech.list_voices():
        head, sep, _ = v.name.partition(" · ")
        if sep and not v.id.startswith("piper:"):
            names.setdefault(v.language, head)
    return names


def language_name(tag: str, lang: str = "en", english: str | None = None) -> str:
    """``tag`` ("es-419", "pt-BR", "yue") named in ``lang``: "Español (Latinoamérica)".

    ``english`` is the name the voice engine gives it ("Spanish (Latin America)"; by default
    the offline voices' name for the tag); its qualifier is translated when known. Without a
    CLDR name the English name (or the tag) is returned.
    """
    if english is None:
        english = offline_names().get(tag, "")
    loc = _locale(lang)
    parts = tag.replace("_", "-").split("-")
    base = parts[0].lower()
    name = loc.languages.get(_ALIASES.get(base, base)) if loc else None
    if not name:
        return english or tag
    match = _PARTS.match(english) if english else None
    qualifier = match.group("qualifier") if match else None
    if qualifier:
        known = _QUALIFIERS.get(lang, {}).get(qualifier.lower())
        if lang == "en":
            return f"{match.group('head')} ({known})" if known else english
        if known:
            return f"{_capital(name)} ({known})"
        return f"{_capital(name)} ({qualifier})"
    places = []
    for part in parts[1:]:
        if part.lower() == "x":
            break
        if len(part) == 4 and part.isalpha():
            places.append(loc.scripts.get(part.title()) if loc else None)
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            places.append(loc.territories.get(part.upper()) if loc else None)
    places = [p for p in places if p]
    return f"{_capital(name)} ({', '.join(places)})" if places else _capital(name)


def voice_label(voice: Voice, lang: str = "en") -> str:
    """A voice's name in ``lang``: "Español (Latinoamérica) · femenina 1".

    Names of the offline catalogue ("<language> · <gender> [n]") are rebuilt; Piper's
    "Joe" keeps its name; any other name (D-ID's, a speech server's) is shown as it is.
    """
    head, sep, tail = voice.name.partition(" · ")
    if not sep:  # a person's name (D-ID's voices): say the language too
        return f"{voice.name} · {language_name(voice.language, lang)}"
    if voice.id.startswith("piper:"):
        return f"{head} · {language_name(voice.language, lang)} · {_NEURAL.get(lang, 'neural')}"
    words = tail.split()
    genders = _GENDERS.get(lang, _GENDERS["en"])
    if not words or words[0] not in genders:
        return voice.name
    label = " ".join([genders[words[0]], *words[1:]])
    english = offline_names().get(voice.language, head) if voice.engine == "local" else head
    return f"{language_name(voice.language, lang, english)} · {label}"


def language_options(tags: set[str], lang: str = "en") -> list[str]:
    """``tags`` ordered for a picker: the COMMON ones first, then the rest by their name in
    ``lang`` (so a typed "ing" finds "Inglés" where it is expected)."""
    common = [t for t in COMMON if t in tags]
    rest = sorted(
        (t for t in tags if t not in common), key=lambda t: language_name(t, lang).casefold()
    )
    return common + rest
