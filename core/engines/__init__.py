"""Video engines: the offline one (``local``) and D-ID (``did``), picked by id from a registry."""
