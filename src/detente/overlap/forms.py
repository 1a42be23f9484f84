from __future__ import annotations

from detente.overlap.models import EngagementRule
from detente.records.forms import RecordForm


class EngagementRuleForm(RecordForm):
    class Meta:
        model = EngagementRule
        fields = ["visibility", "title", "leader", "handover"]
