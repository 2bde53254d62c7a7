"""The intake web page and JSON API (`rca serve`): `create_app(model_dir)`."""
