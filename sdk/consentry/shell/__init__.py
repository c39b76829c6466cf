"""The thin browser layer: carries out the engine's decisions on a real page."""
