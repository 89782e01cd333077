-- The tenant's own SIRET (14 digits): API Particulier asks it as `recipient` on every call, the
-- establishment the data is given to (decision 31). Null until an administrator sets it on
-- « Coordonnées et courriels »; without it, Guichet does not call API Particulier and the forms
-- ask for the document.
alter table tenants add column siret text check (siret ~ '^[0-9]{14}$');
