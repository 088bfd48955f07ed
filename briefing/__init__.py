"""Briefing generator: YAML content -> Arabic/English briefing documents (PDF and DOCX).

Pipeline stages, one module each: load -> validate -> render -> write_pdf / write_docx;
cli.py runs them in order.
"""

__version__ = "0.1.0"
