"""Nachbarschaftskarte Niedersachsen: meeting places, counselling offices and coverage analysis."""
