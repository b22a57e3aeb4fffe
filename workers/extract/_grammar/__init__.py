"""Private building blocks shared by the grammar modules (dates, numbers, claims, documents)."""
