"""cast"""
