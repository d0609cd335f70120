"""End-to-end evaluation of the bot: the frozen test set (eval/test), the dev set (eval/heldout)."""
