"""3D blood flow: incompressible Navier-Stokes in rigid vessels (``ns``), its inlet (``inlet``, ``caps``,
``waveforms``), outlets (``outlets``), wall traction (``traction``), analytic references
(``womersley``) and flow metrics (``metrics``)."""
