"""OCR for scanned reports: page images → text lines with a confidence per piece.

``engines`` wraps the OCR programs (RapidOCR, Tesseract) behind one call; ``deskew`` straightens
a page; ``layout`` groups the recognized pieces into lines and table rows, which
``pipeline/readers/scan.py`` lays out the way the PDF reader lays out a text layer.
"""
