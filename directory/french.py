"""French counts for messages, e-mails and commands: « 0 demande », « 1 demande », « 2 demandes »,
never « demande(s) » (style.md). Templates use the `fr_plural` filter of templatetags/french.py."""


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """'2 dossiers ajoutés': the count and the words that agree with it; 0 and 1 are singular in
    French. Without `plural`, each word of `singular` takes an s (« dossier ajouté »); give it
    when a word does not (« fichier à supprimer », « diagnostic transmis »)."""
    if abs(int(count)) < 2:
        return f"{count} {singular}"
    return f"{count} {plural or ' '.join(word + 's' for word in singular.split())}"
