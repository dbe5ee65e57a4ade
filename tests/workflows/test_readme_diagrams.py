from pathlib import Path

from django.conf import settings
from django.utils import translation

from applications.models import FundingRequest, TrainingRequest
from workflows.diagram import mermaid


def test_readme_shows_the_diagrams_generated_from_the_state_machines():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    with translation.override("en"):
        for model in (FundingRequest, TrainingRequest):
            assert f"```mermaid\n{mermaid(model)}\n```" in readme, f"README diagram of {model.__name__} is out of date"
