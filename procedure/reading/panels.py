"""The case page's panel of the acts' PDFs (procedure.extensions.CASE_PANELS)."""


def case_panel(request, procedure):
    """This causes one SQL query: the procedure's PDFs with their acts."""
    documents = list(procedure.documents.select_related("event").order_by("event__date", "pk"))
    return {"procedure": procedure, "documents": documents}
