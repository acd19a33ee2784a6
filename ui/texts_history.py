"""Texts of the History page and of presenters' names added for issue 12."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "history.search_help": {
        "en": "Finds words of the title or the script, a voice or a presenter.",
        "es": "Busca palabras del título o del guion, una voz o un presentador.",
    },
    "history.no_match": {
        "en": "No video matches “{search}”. Clear the search, or look for other words, a voice "
        "or a presenter.",
        "es": "Ningún vídeo coincide con «{search}». Borre la búsqueda o pruebe con otras "
        "palabras, una voz o un presentador.",
    },
    "history.no_match_filters": {
        "en": "No video with these filters. Choose “All” to see every video.",
        "es": "Ningún vídeo con estos filtros. Elija «Todos» para ver todos los vídeos.",
    },
    "history.field_engine": {"en": "Engine", "es": "Motor"},
    "history.field_language": {"en": "Language", "es": "Idioma"},
    "history.field_voice": {"en": "Voice", "es": "Voz"},
    "history.field_presenter": {"en": "Presenter", "es": "Presentador"},
    "history.field_rate": {"en": "Speaking rate", "es": "Velocidad al hablar"},
    "history.field_size": {"en": "Size", "es": "Tamaño"},
    "history.field_duration": {"en": "Duration", "es": "Duración"},
    "history.field_made": {"en": "Made", "es": "Hecho"},
    "history.size_px": {"en": "{size} px", "es": "{size} px"},
    # The built-in presenters, by id: Spanish says the role in the person's gender
    "presenter.ana": {"en": "Ana — teacher", "es": "Ana — profesora"},
    "presenter.leo": {"en": "Leo — presenter", "es": "Leo — presentador"},
    "presenter.nia": {"en": "Nia — storyteller", "es": "Nia — cuentacuentos"},
    "presenter.samira": {"en": "Samira — scientist", "es": "Samira — científica"},
    "presenter.kenji": {"en": "Kenji — tutor", "es": "Kenji — tutor"},
    "presenter.carmen": {"en": "Carmen — head teacher", "es": "Carmen — directora"},
    "presenter.diego": {"en": "Diego — teacher", "es": "Diego — profesor"},
    "presenter.lucia": {"en": "Lucía — teacher", "es": "Lucía — profesora"},
    "presenter.tomas": {"en": "Tomás — professor", "es": "Tomás — catedrático"},
}
