"""Acts read from their PDF: the text extracted (pypdf), the kind and the import contract's
fields proposed with the words they were read from, a person confirming each act through the
same service as the import (formats.md). See docs/decisions/008-acts-read-from-pdf.md."""
