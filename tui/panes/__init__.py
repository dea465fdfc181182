"""The four panes of the app: dataset, hyperparameters, training and predictions."""
