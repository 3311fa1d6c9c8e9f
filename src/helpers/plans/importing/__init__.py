"""Reading an action plan straight from the document a council published (make import-plan).

One reader per format (docx, pdf, workbook, html) gives candidate tables of cells with where each came from;
`headers` matches column headings by the vocabulary, `shape` repairs the table's shape into actions, and
`writing` turns them into a transcription CSV, a manifest line and a draft review metadata file.
"""
