"""The office's own files (SPEC §15): ``gongwen`` writes an outgoing 公文 as .docx in the
GB/T 9704-2012 layout (its fonts, 发文机关标志 and colours in data/gongwen.toml)."""
