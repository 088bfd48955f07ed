"""Briefing generator: YAML content -> Arabic/English briefing documents (PDF and DOCX).

Pipeline stages, one module each: load -> validate -> briefs -> render -> write_pdf / write_docx;
plan.py (phase one: check and render, nothing written) and outputs.py (phase two: write)
run them, cli.py reads the command line. The document kinds are plug-ins in kinds/.
"""

__version__ = "0.1.0"
