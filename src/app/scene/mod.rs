//! The 3-D scene: the frame that places the run on screen ([`frame`]), its objects (lenses,
//! observer, the Φ slice: [`objects`], its density view: [`density`]), the rays as meshes ([`trajectories`]), the overlays
//! drawn as gizmos ([`gizmos`]), the colour scale in use ([`legend`]) and the camera with ray
//! picking and lens dragging ([`camera`]), and which wheel turns are the view's ([`wheel`]).

pub mod camera;
pub mod density;
pub mod frame;
pub mod gizmos;
pub mod legend;
pub mod objects;
pub mod trajectories;
pub mod wheel;
