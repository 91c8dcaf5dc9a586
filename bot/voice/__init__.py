"""The optional model voice: any OpenAI-compatible endpoint phrases the contact's lines and
helps read messages, while the flow decides everything (see :mod:`flows.phrasing`)."""
