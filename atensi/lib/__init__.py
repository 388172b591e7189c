"""Plain helpers with no Django models: NIK rules, name normalisation, settings from the environment."""
