"""Rule cases, kept beside the rules in YAML (``cases: {fires: [...], never: [...]}``), run here.

``faqbot check`` and ``faqbot coverage`` run them, so staff who add a red flag add the messages it
must and must never meet in the same file, not in Python. A ``fires`` case must be met by its own
rule; a ``never`` case must not be flagged as an emergency by any rule of any layer (and not by its
own rule at all).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..content.rules import SafetyRules
from .triage import Triage


@dataclass
class CaseResult:
    layer: str          # "built-in", "safety.yaml" or "scope.yaml"
    rule: str
    message: str
    expected: str       # "fires" or "never"
    passed: bool
    got: str            # the rules that met it, or "nothing"


def run_cases(triage: Triage, scope: SafetyRules | None = None, scope_name: str = "scope.yaml") -> list[CaseResult]:
    """Every case of the built-in layer, of the folder's safety.yaml and of its scope.yaml."""
    results = []
    owners = [("built-in", rule) for rule in triage.builtin.rules]
    owners += [(triage.folder_name, rule) for rule in triage.folder.rules]
    for layer, rule in owners:
        for message in rule.fires:
            assessment = triage.assess(message)
            ids = [f.id for f in assessment.findings]
            results.append(CaseResult(layer, rule.id, message, "fires", rule.id in ids, ", ".join(ids) or "nothing"))
        for message in rule.never:
            assessment = triage.assess(message)
            ids = [f.id for f in assessment.findings]
            passed = assessment.urgent is None and rule.id not in ids
            results.append(CaseResult(layer, rule.id, message, "never", passed, ", ".join(ids) or "nothing"))
    for rule in (scope.rules if scope is not None else []):
        for message in rule.fires:
            met = scope.triage(message)
            results.append(CaseResult(scope_name, rule.id, message, "fires", met is rule, met.id if met else "nothing"))
        for message in rule.never:
            met = scope.triage(message)
            results.append(CaseResult(scope_name, rule.id, message, "never", met is None, met.id if met else "nothing"))
    return results
