__version__ = "0.0.1"

import warnings
# fastai's modules apply `torch.jit.script` on import, which torch 2.14 deprecates with a FutureWarning that says
# nothing a learner can act on. Hide that one message (no other) for everything that imports digitlab.
warnings.filterwarnings('ignore', message=r'`torch\.jit\.script` is deprecated', category=FutureWarning)
