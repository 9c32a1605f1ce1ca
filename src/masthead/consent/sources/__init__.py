"""The personal data sources the consent app registers (see masthead.consent.personal_data)."""
