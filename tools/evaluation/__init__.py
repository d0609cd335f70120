"""End-to-end evaluation of the bot on the frozen test set (eval/test) or the dev set (eval/heldout)."""
