"""qa/review"""
