"""Babel extractor for the labels a BPMN model declares for the UI (engine/meaning.py):
phase names (`phaseMilestone="1:Genelge"`) and spending-unit matrix columns (`unitMatrix`). They
are shown through gettext, so the English catalog must hold them (babel.cfg maps *.bpmn here)."""

from __future__ import annotations

from lxml import etree

UI_LABELS = ("phaseMilestone", "unitMatrix")
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}property"


def extract(fileobj, keywords, comment_tags, options):
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.parse(fileobj, parser).getroot()
    for node in root.iter(SPIFF):
        if node.get("name") in UI_LABELS:
            _number, _sep, label = (node.get("value") or "").partition(":")
            if label.strip():
                yield node.sourceline, None, label.strip(), [f"BPMN {node.get('name')}"]
