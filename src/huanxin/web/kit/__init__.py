"""The page kit: what every page needs and no page should write again.

``forms`` parses a posted form into a Pydantic model and runs a change (a refusal rolls back
and shows the page again with the message at the field, named by its label); ``downloads``
answers a file with an RFC 6266 filename; ``charts`` renders a matplotlib figure with the one
CJK font and one set of save options; ``lists`` pages, sorts, filters, searches and exports a
list to .xlsx.
"""
