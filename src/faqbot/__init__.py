"""faqbot: answers patients' questions with text taken only from its source documents."""

__version__ = "1.0.0"
