"""script/attribution"""
