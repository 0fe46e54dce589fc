"""Characters that typed text must not carry.

An .xlsx is XML, and XML 1.0 cannot hold the C0 control characters other than tab, LF and
CR (nor U+FFFE, U+FFFF or a lone surrogate): openpyxl refuses the whole workbook over one of
them (`IllegalCharacterError`). The portal's forms refuse them at input
(`common.forms.TextGuardMixin`) and every export strips them (`common.xlsx.clean_cell`), so
that neither a stored value from before nor one from an import can break an export.
"""

import re

# What an .xlsx (XML 1.0) cannot hold: stripped from every exported cell.
XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# What typed text may not contain: the above, DEL and the C1 controls (invisible, never
# typed on purpose). Multi-line text keeps tab, LF and CR; a one-line field refuses them too.
MULTILINE_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
SINGLE_LINE_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def strip_xml_illegal(text: str) -> str:
    return XML_ILLEGAL_RE.sub("", text)
