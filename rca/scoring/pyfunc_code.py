"""The code file of every MLflow model rca logs ("models from code"): MLflow runs it when it loads
the model, and it hands MLflow the model object. Nothing imports it; `rca.scoring.pyfunc` holds the code."""

from mlflow.models import set_model

from rca.scoring.pyfunc import TargetScorer

set_model(TargetScorer())
