"""pytest setup for scripts/benchlib: the modules import each other as top-level modules (scripts run them
by path), so their folder goes on sys.path here."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
