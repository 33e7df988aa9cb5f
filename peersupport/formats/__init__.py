"""One date style for every page, in each language (FORMAT_MODULE_PATH).

The short formats are the long ones on purpose: a page shows every date the
same way, whether a template asks for ``|date``, ``SHORT_DATE_FORMAT`` or
prints the value as it is. Months are abbreviated the way each language does
it in running text (Django's ``N``), which is unambiguous in French, unlike
``M`` ("Jui" for both juin and juillet). Times are on the 24-hour clock in
both languages.
"""
