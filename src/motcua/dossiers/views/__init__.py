"""Back-office pages of the one-stop desk: counter intake, work queues, the dossier, the log book.

Every view has the same shape: check the login and the role, parse the
input with a form, call one service (writes) or selector (reads), then
render or redirect. A service's ``ApplicationError`` becomes a message next
to the field it concerns; nothing here writes to the database itself,
except the audit record of a read that shows personal data.
"""
