"""Zoho vs ERP comparison: drift report and repair by enqueueing."""
