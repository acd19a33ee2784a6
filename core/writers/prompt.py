"""The words we send a model: a system prompt from the brief, the person's prompt as is.

Why a system prompt in English with the language named twice (in English and in its own
name): every instruction-tuned model follows English instructions best, and naming the
target language in itself ("español") keeps small local models from answering in
English. The person's prompt goes in the user message untouched, so it cannot rewrite
our rules by accident. ``PROMPT_VERSION`` is part of the cache key: bump it whenever the
wording changes, or old cached scripts would be served for the new prompt.
"""

from __future__ import annotations

from core.models import Brief

PROMPT_VERSION = "1"

# Primary subtag → (English name, own name). The languages a script can be written in.
LANGUAGES: dict[str, tuple[str, str]] = {
    "es": ("Spanish", "español"),
    "en": ("English", "English"),
    "pt": ("Portuguese", "português"),
    "fr": ("French", "français"),
    "it": ("Italian", "italiano"),
    "de": ("German", "Deutsch"),
}

# Regional variants worth telling the model about (lower-case keys).
VARIANTS: dict[str, str] = {
    "es-419": "Latin American Spanish",
    "es-es": "Spanish as spoken in Spain",
    "es-mx": "Mexican Spanish",
    "es-ar": "Argentine Spanish (with voseo)",
    "en-us": "American English",
    "en-gb": "British English",
    "pt-br": "Brazilian Portuguese",
    "pt-pt": "European Portuguese",
}

TONES: dict[str, str] = {
    "informative": "informative: clear, factual and calm, like a good explainer video",
    "friendly": "friendly: warm and conversational, as if talking to one person you like",
    "formal": "formal: polished and precise, suited to an institution or a company",
    "enthusiastic": "enthusiastic: energetic and upbeat, with genuine excitement",
}


def language_name(language: str) -> str:
    """A description of the language for the model, e.g. "Spanish (español)"."""
    code = language.lower()
    english, own = LANGUAGES[code.split("-")[0]]
    variant = VARIANTS.get(code)
    name = f"{english} ({own})" if own != english else english
    return f"{name}, specifically {variant}" if variant else name


def system_prompt(brief: Brief, budget_words: int) -> str:
    low = max(1, round(budget_words * 0.85))
    audience = brief.audience or "a general audience"
    language = language_name(brief.language)
    return "\n".join(
        [
            "You write scripts that a presenter reads aloud, to camera, in a short video.",
            f"Length: about {budget_words} words (between {low} and {budget_words} words), "
            f"which is about {brief.duration_s:g} seconds spoken at a natural pace.",
            f"Tone: {TONES[brief.tone]}.",
            f"Audience: {audience}.",
            "Output only the words the presenter says, as plain text in short paragraphs:",
            "- no title, headings, markdown, bullet points or numbered lists;",
            "- no emojis, hashtags or links;",
            "- no stage directions, sound or camera cues such as [music] or (pause), "
            "and no speaker labels;",
            "- no introduction or comment about the script, before or after it.",
            "Open with a hook, make one clear point per paragraph, and end with a short "
            "closing sentence. Use words that are easy to say aloud; avoid symbols and "
            "abbreviations.",
            f"Write the whole script in {language}.",
        ]
    )


TRANSLATE_VERSION = "1"


def translation_messages(text: str, language: str) -> list[dict[str, str]]:
    """Chat messages asking for a faithful, speakable translation of a script."""
    system = "\n".join(
        [
            "You translate scripts that a presenter reads aloud, to camera, in a short video.",
            f"Translate the user's script into {language_name(language)}.",
            "Be faithful: keep every idea, example and number, in the same order, with about "
            "the same length; add nothing and leave nothing out.",
            "Make it speakable: natural sentences a native presenter would say, numbers and "
            "symbols written as they are said, no abbreviations.",
            "Keep the paragraphs. Output only the translated script: no title, notes, "
            "quotation marks or comments before or after it.",
        ]
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": text}]


def build_messages(brief: Brief, budget_words: int) -> list[dict[str, str]]:
    """Chat messages for a validated brief."""
    return [
        {"role": "system", "content": system_prompt(brief, budget_words)},
        {"role": "user", "content": brief.prompt},
    ]
