"""rca: root-cause analysis of council complaints.

Learns a council's own coding of complaint text (root cause, escalation reason,
acceptability, service, any labelled column), tags cases in batch, triages new
cases at intake and writes theme and trend reports.
"""
import os as _os

# MLflow makes a DNS lookup for telemetry unless told not to; rca must never
# touch the network at run time, so the package sets this before anything
# imports mlflow.
_os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
_os.environ.setdefault("DO_NOT_TRACK", "true")
_os.environ.setdefault("HF_HUB_OFFLINE", "1")

__version__ = "0.1.0"
