"""Emergency triage: the built-in concept layer every folder gets, plus a folder's own red flags."""

from .triage import Assessment, Finding, SafetyMemory, Triage

__all__ = ["Assessment", "Finding", "SafetyMemory", "Triage"]
