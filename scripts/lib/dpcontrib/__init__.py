"""The contributor's tools: add an article to the package (add_article), draft its rows from the
text (draft), and move the rows kept into the data (accept)."""
